/** Flash4j engine-attention. */
package dev.flash4j.attention;
