/**
 * Tokenizers built from a GGUF file's {@code tokenizer.ggml.*} metadata: byte-level BPE
 * ({@code gpt2}), SentencePiece-style ({@code llama}) and WordPiece ({@code bert}).
 * {@link dev.flash4j.tokenizer.Tokenizer} is the entry point.
 */
package dev.flash4j.tokenizer;
