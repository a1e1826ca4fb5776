package dev.flash4j.jinja;

import java.util.List;

/** The {@code loop} variable inside a for loop: position, neighbours, and {@code cycle}. */
final class LoopState {
    private final List<Object> items;
    private final int depth0;
    /** Renders the loop body again over new items, for {@code loop(children)} in recursive loops; may be null. */
    private final JinjaFunction recurse;
    int index0;

    LoopState(List<Object> items, int depth0, JinjaFunction recurse) {
        this.items = items;
        this.depth0 = depth0;
        this.recurse = recurse;
    }

    JinjaFunction recurse() {
        return recurse;
    }

    Object attribute(String name) {
        int n = items.size();
        return switch (name) {
            case "index" -> (long) index0 + 1;
            case "index0" -> (long) index0;
            case "revindex" -> (long) (n - index0);
            case "revindex0" -> (long) (n - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth" -> (long) depth0 + 1;
            case "depth0" -> (long) depth0;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : new Undefined("there is no previous item");
            case "nextitem" -> index0 + 1 < n ? items.get(index0 + 1) : new Undefined("there is no next item");
            case "cycle" -> (JinjaFunction) (args, kw) -> {
                if (args.isEmpty()) throw new TemplateRuntimeException("no items for cycling given");
                return args.get(index0 % args.size());
            };
            case "changed" -> new Undefined("loop.changed is not supported");
            default -> Undefined.attribute(this, name);
        };
    }
}
