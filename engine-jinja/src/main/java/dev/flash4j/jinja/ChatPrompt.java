package dev.flash4j.jinja;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chat-level rendering that mirrors transformers' {@code apply_chat_template}: the template sees
 * {@code messages}, {@code tools} (undefined when absent), {@code add_generation_prompt}, {@code bos_token}, {@code eos_token} and any extra variables.
 * Messages are passed as given: a tool call's {@code arguments} stays a string or an object,
 * exactly as the caller supplied it.
 */
public final class ChatPrompt {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private ChatPrompt() {
    }

    public static String render(String source, List<Map<String, Object>> messages, List<Map<String, Object>> tools,
                                boolean addGenerationPrompt, String bos, String eos, Map<String, Object> extra) {
        return render(ChatTemplate.parse(source), messages, tools, addGenerationPrompt, bos, eos, extra);
    }

    public static String render(ChatTemplate template, List<Map<String, Object>> messages, List<Map<String, Object>> tools,
                                boolean addGenerationPrompt, String bos, String eos, Map<String, Object> extra) {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("messages", messages);
        // Absent tools stay undefined, not None: templates loop over `tools` unguarded (Hermes 3),
        // which only works in transformers because an undefined value iterates as empty.
        if (tools != null) ctx.put("tools", tools);
        ctx.put("add_generation_prompt", addGenerationPrompt);
        ctx.put("bos_token", bos == null ? "" : bos);
        ctx.put("eos_token", eos == null ? "" : eos);
        if (extra != null) ctx.putAll(extra);
        return template.render(ctx);
    }

    /**
     * Parses a JSON object (extra template variables), keeping key order and integers as integers.
     *
     * @throws IllegalArgumentException if the text is not a JSON object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String json) {
        Object v = parseJson(json);
        if (!(v instanceof Map<?, ?>)) throw new IllegalArgumentException("expected a JSON object");
        return (Map<String, Object>) v;
    }

    private static Object parseJson(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            // Jackson names where an unclosed object started with its (redacted) source; the line and column follow anyway
            String what = e.getOriginalMessage().replaceFirst(" \\(start marker at \\[Source: .*\\]\\)", "");
            throw new IllegalArgumentException("invalid JSON: " + what
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : ""));
        }
    }

    /**
     * Parses a JSON array of objects (OpenAI-style messages or tools), keeping key order and
     * integers as integers.
     *
     * @throws IllegalArgumentException if the text is not a JSON array of objects
     */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> parseObjectList(String json) {
        Object v = parseJson(json);
        if (!(v instanceof List<?> l) || !l.stream().allMatch(o -> o instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON array of objects");
        }
        return (List<Map<String, Object>>) v;
    }
}
