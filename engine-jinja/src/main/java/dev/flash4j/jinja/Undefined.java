package dev.flash4j.jinja;

/**
 * Jinja's lenient undefined value: prints as empty, is falsy, iterates as empty, and yields another
 * undefined for attributes and items. Using it in arithmetic or calling it is an error that names
 * what was missing.
 *
 * @param hint what was looked up, for error messages ("'foo' is undefined")
 */
record Undefined(String hint) {
    static Undefined named(String name) {
        return new Undefined("'" + name + "' is undefined");
    }

    static Undefined attribute(Object owner, Object attr) {
        return new Undefined("'" + Values.typeName(owner) + " object' has no attribute '" + attr + "'");
    }

    TemplateRuntimeException fail() {
        return new TemplateRuntimeException(hint);
    }
}
