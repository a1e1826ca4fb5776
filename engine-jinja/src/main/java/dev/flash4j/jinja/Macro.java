package dev.flash4j.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@code {% macro %}} (or a call block's body as {@code caller}): calling it renders its body to a string. */
final class Macro implements JinjaFunction {
    private final String name;
    private final List<Node.Param> params;
    private final List<Node> body;
    private final Scope closure;
    private final Interpreter interpreter;

    Macro(String name, List<Node.Param> params, List<Node> body, Scope closure, Interpreter interpreter) {
        this.name = name;
        this.params = params;
        this.body = body;
        this.closure = closure;
        this.interpreter = interpreter;
    }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
        Scope scope = new Scope(closure);
        Map<String, Object> extraKw = new LinkedHashMap<>(kwargs);
        for (int i = 0; i < params.size(); i++) {
            Node.Param p = params.get(i);
            Object v;
            if (i < args.size()) {
                v = args.get(i);
                if (extraKw.containsKey(p.name())) {
                    throw new TemplateRuntimeException("macro '" + name + "' got multiple values for argument '" + p.name() + "'");
                }
            } else if (extraKw.containsKey(p.name())) {
                v = extraKw.remove(p.name());
            } else if (p.defaultValue() != null) {
                v = interpreter.eval(p.defaultValue(), scope);
            } else {
                v = new Undefined("parameter '" + p.name() + "' was not provided");
            }
            scope.set(p.name(), v);
        }
        List<Object> varargs = args.size() > params.size() ? new ArrayList<>(args.subList(params.size(), args.size())) : new ArrayList<>();
        scope.set("varargs", new PyTuple(varargs));
        if (extraKw.containsKey("caller")) scope.set("caller", extraKw.remove("caller"));
        scope.set("kwargs", new LinkedHashMap<Object, Object>(extraKw));
        StringBuilder out = new StringBuilder();
        interpreter.execMacroBody(body, scope, out);
        return out.toString();
    }
}
