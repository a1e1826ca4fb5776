/** Flash4j engine-tokenizer. */
package dev.flash4j.tokenizer;
