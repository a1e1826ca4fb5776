package dev.flash4j.jinja;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An immutable Python tuple: like a list, but printed with parentheses ({@code dict.items()} yields these). */
final class PyTuple extends AbstractList<Object> {
    private final Object[] items;

    PyTuple(List<?> items) {
        this.items = items.toArray();
    }

    static PyTuple of(Object... items) {
        return new PyTuple(new ArrayList<>(Arrays.asList(items)));
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }
}
