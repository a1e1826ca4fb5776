package dev.flash4j.jinja;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Functions every template can call: Jinja's range/namespace/dict and Hugging Face's additions. */
final class Globals {
    private Globals() {
    }

    static Scope create(Clock clock) {
        Scope g = new Scope(null);
        g.set("raise_exception", (JinjaFunction) (args, kw) -> {
            throw new ChatTemplateException(args.isEmpty() ? "" : Values.str(args.getFirst()), 0);
        });
        g.set("strftime_now", (JinjaFunction) (args, kw) ->
                Strftime.format(ZonedDateTime.now(clock), args.isEmpty() ? "" : Values.str(args.getFirst())));
        g.set("range", (JinjaFunction) Globals::range);
        g.set("namespace", (JinjaFunction) (args, kw) -> {
            Namespace ns = new Namespace();
            for (Object a : args) {
                if (!(a instanceof Map<?, ?> m)) throw new TemplateRuntimeException("namespace() positional argument must be a mapping");
                m.forEach((k, v) -> ns.attrs.put(Values.str(k), v));
            }
            ns.attrs.putAll(kw);
            return ns;
        });
        g.set("dict", (JinjaFunction) (args, kw) -> {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (Object a : args) {
                if (a instanceof Map<?, ?> src) m.putAll(src);
                else for (Object pair : Values.iterate(a)) {
                    List<Object> kv = Values.iterate(pair);
                    m.put(kv.get(0), kv.get(1));
                }
            }
            m.putAll(kw);
            return m;
        });
        return g;
    }

    private static Object range(List<Object> args, Map<String, Object> kw) {
        long start = 0, stop, step = 1;
        if (args.isEmpty()) throw new TemplateRuntimeException("range expected at least 1 argument, got 0");
        if (args.size() == 1) stop = Values.toLong(args.get(0));
        else {
            start = Values.toLong(args.get(0));
            stop = Values.toLong(args.get(1));
            if (args.size() > 2) step = Values.toLong(args.get(2));
        }
        if (step == 0) throw new TemplateRuntimeException("range() arg 3 must not be zero");
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            out.add(i);
            if (out.size() > 100_000) throw new TemplateRuntimeException("range too big");
        }
        return out;
    }
}
