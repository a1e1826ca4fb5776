package dev.flash4j.cli;

import dev.flash4j.gguf.GgufArray;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufMetadata;
import dev.flash4j.gguf.GgufTensor;
import dev.flash4j.gguf.GgufValueType;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text form of {@code inspect}: a summary line, one line per metadata key (type and value;
 * arrays show their first values and "... (N values)", strings are quoted and escaped so each value
 * stays on its line), then a table of tensors.
 */
final class InspectText {
    static final int ARRAY_PREVIEW = 8;
    static final int STRING_PREVIEW = 160;

    private final int arrayPreview;
    private final int stringPreview;

    InspectText(int arrayPreview, int stringPreview) {
        this.arrayPreview = arrayPreview;
        this.stringPreview = stringPreview;
    }

    void write(GgufFile f, PrintWriter w) {
        GgufMetadata m = f.metadata();
        int shards = f.shards().size();
        long fileBytes = 0;
        for (GgufFile.Shard s : f.shards()) fileBytes += s.mapping().byteSize();
        w.println(f.path() + ": GGUF v" + f.version() + (shards > 1 ? ", " + shards + " shards" : "") + ", " + bytes(fileBytes)
                + ", alignment " + f.shards().getFirst().alignment() + ", " + count(m.keys().size(), "metadata key") + ", " + count(f.tensors().size(), "tensor"));
        w.println();
        w.println("metadata:");
        int keyWidth = 0, typeWidth = 0;
        for (String k : m.keys()) {
            keyWidth = Math.max(keyWidth, k.length());
            typeWidth = Math.max(typeWidth, typeName(m, k).length());
        }
        for (String k : m.keys()) {
            w.println("  " + pad(k, keyWidth) + "  " + pad(typeName(m, k), typeWidth) + "  " + value(m.type(k), m.get(k), true));
        }
        w.println();
        w.println("tensors (" + bytes(f.tensorBytes()) + "):");
        List<String[]> rows = new ArrayList<>();
        rows.add(shards > 1 ? new String[] {"name", "type", "dims", "offset", "bytes", "shard"} : new String[] {"name", "type", "dims", "offset", "bytes"});
        for (GgufTensor t : f.tensors().values()) {
            StringBuilder dims = new StringBuilder("[");
            for (int i = 0; i < t.dims().length; i++) dims.append(i == 0 ? "" : ", ").append(t.dims()[i]);
            dims.append(']');
            String[] row = {t.name(), t.type().name(), dims.toString(), Long.toString(t.offset()), Long.toString(t.byteSize()), Integer.toString(f.shardOf(t) + 1)};
            rows.add(shards > 1 ? row : java.util.Arrays.copyOf(row, 5));
        }
        int[] width = new int[rows.getFirst().length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < r.length; i++) {
                boolean number = i >= 3; // offsets, sizes and shard numbers align right
                line.append(' ').append(number ? padLeft(r[i], width[i]) : pad(r[i], width[i]));
            }
            w.println(line.toString().stripTrailing());
        }
    }

    private static String typeName(GgufMetadata m, String k) {
        if (m.type(k) != GgufValueType.ARRAY) return m.type(k).name();
        GgufArray a = m.getArray(k);
        return "ARRAY[" + a.elementType() + "]";
    }

    /** One value on one line; arrays and strings cut to the preview lengths unless printing everything. */
    String value(GgufValueType type, Object v, boolean top) {
        return switch (type) {
            case UINT64 -> Long.toUnsignedString((Long) v);
            case FLOAT32 -> Float.toString((Float) v);
            case FLOAT64 -> Double.toString((Double) v);
            case STRING -> quote((String) v);
            case ARRAY -> {
                GgufArray a = (GgufArray) v;
                int shown = Math.min(a.size(), arrayPreview);
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < shown; i++) sb.append(i == 0 ? "" : ", ").append(value(a.elementType(), a.get(i), false));
                if (shown < a.size()) sb.append(shown == 0 ? "..." : ", ...");
                sb.append(']');
                if (shown < a.size() || (top && a.size() > 1)) sb.append(" (").append(a.size()).append(" values)");
                yield sb.toString();
            }
            default -> String.valueOf(v); // other integers (signed or fitting a long), bools
        };
    }

    /** A string in double quotes with JSON-style escapes, cut after {@code stringPreview} characters. */
    private String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(s.length(), stringPreview);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
        if (n < s.length()) sb.append("... (").append(s.length()).append(" chars)");
        return sb.toString();
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private static String padLeft(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }

    static String bytes(long n) {
        if (n < 1024) return n + " bytes";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
