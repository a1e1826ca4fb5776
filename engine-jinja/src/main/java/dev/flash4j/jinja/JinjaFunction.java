package dev.flash4j.jinja;

import java.util.List;
import java.util.Map;

/**
 * Something a template can call: a global such as {@code raise_exception}, a macro, or a method bound
 * to its receiver ({@code 'a,b'.split(',')}). Callers may put their own functions into the render
 * context, e.g. a fixed {@code strftime_now} for reproducible output.
 */
@FunctionalInterface
public interface JinjaFunction {
    /** Arguments are template values: String, Long, Double, Boolean, null, List, Map, ... */
    Object call(List<Object> args, Map<String, Object> kwargs);
}
