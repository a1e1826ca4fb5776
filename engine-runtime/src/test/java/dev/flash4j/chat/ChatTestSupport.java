package dev.flash4j.chat;

import java.util.List;

/** Tools, realistic outputs and split helpers shared by the chat tests. */
final class ChatTestSupport {

    private ChatTestSupport() {
    }

    static final String TOOLS_JSON = """
            [
              {"type": "function", "function": {"name": "get_weather", "description": "Weather",
                "parameters": {"type": "object", "properties": {
                  "city": {"type": "string"},
                  "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                  "days": {"type": "integer"}},
                  "required": ["city"]}}},
              {"type": "function", "function": {"name": "write_file",
                "parameters": {"type": "object", "properties": {
                  "path": {"type": "string"},
                  "content": {"type": "string"},
                  "append": {"type": "boolean"}}}}},
              {"type": "function", "function": {"name": "search",
                "parameters": {"type": "object", "properties": {
                  "query": {"type": "string"},
                  "limit": {"type": "integer"},
                  "threshold": {"type": "number"},
                  "filters": {"type": "object"},
                  "tags": {"type": "array", "items": {"type": "string"}},
                  "mode": {"type": ["string", "null"]},
                  "level": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
                  "flag": {"enum": [true, false]}}}}}
            ]
            """;

    static final ToolSchemas TOOLS = ToolSchemas.fromJson(TOOLS_JSON);

    /** Output of a prompt that opened {@code <think>}: reasoning, short answer, one call. */
    static final String WEATHER_CALL = """
            The user wants the weather in Paris. I should call get_weather with the city.
            </think>

            I'll check the weather for you.
            <tool_call>
            <function=get_weather>
            <parameter=city>
            Paris
            </parameter>
            <parameter=unit>
            celsius
            </parameter>
            <parameter=days>
            3
            </parameter>
            </function>
            </tool_call>""";

    /** Explicit think block and a plain answer with markup-like text. */
    static final String PLAIN_ANSWER = """
            <think>
            Compare a < b and check <b>bold</b>; note </thin is not a tag.
            </think>

            Yes: if a < b then <b>a</b> is smaller, and <think about it> is just text. Done.""";

    /** Two calls with multi-line, typed and tag-like values; text before. */
    static final String TWO_CALLS = """
            Writing the file and searching.

            <tool_call>
            <function=write_file>
            <parameter=path>
            /tmp/a.html
            </parameter>
            <parameter=content>
            <html>
              <body>x < y &amp; <parameter=no></body>

            </html>
            </parameter>
            <parameter=append>
            false
            </parameter>
            </function>
            </tool_call>
            <tool_call>
            <function=search>
            <parameter=query>
            flash attention 😀 é
            </parameter>
            <parameter=limit>
            10
            </parameter>
            <parameter=threshold>
            0.25
            </parameter>
            <parameter=filters>
            {"year": 2024, "tags": ["a", "b"]}
            </parameter>
            <parameter=tags>
            ["x", "y"]
            </parameter>
            <parameter=mode>
            null
            </parameter>
            </function>
            </tool_call>""";

    static final List<String> REALISTIC = List.of(WEATHER_CALL, PLAIN_ANSWER, TWO_CALLS,
            "<think>\nunfinished reasoning that never ends <tool_call>\n<function=x>",
            "Answer first.\n<tool_call>\n<function=get_weather>\n<parameter=city>\nRo",
            "Text <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call> after",
            "Before <tool_call>\nnot a call at all\n</tool_call> after </think> end",
            "Checking.\n<function=get_weather>\n<parameter=city>\nOslo\n</parameter>\n</function>\nThen <function=nope> is text.",
            "<think>\nThe format uses <tool_call> blocks; I'd write <tool_call><function=x> like that.\n</think>\nHello <tool_call><function=f></function>\nmore");

    /** Feeds {@code text} cut at the given ascending positions and returns the recorded events. */
    static EventRecorder streamWithCuts(ChatOutputParser parser, String text, int... cuts) {
        EventRecorder recorder = new EventRecorder();
        StreamingChatParser stream = parser.stream(recorder);
        int from = 0;
        for (int cut : cuts) {
            stream.feed(text.substring(from, cut));
            from = cut;
        }
        stream.feed(text.substring(from));
        stream.finish();
        return recorder;
    }

    static EventRecorder streamWhole(ChatOutputParser parser, String text) {
        return streamWithCuts(parser, text);
    }

    /** Collects a message from the given pieces. */
    static ParsedMessage collect(ChatOutputParser parser, List<String> pieces) {
        MessageCollector collector = new MessageCollector();
        StreamingChatParser stream = parser.stream(collector);
        pieces.forEach(stream::feed);
        stream.finish();
        return collector.message();
    }
}
