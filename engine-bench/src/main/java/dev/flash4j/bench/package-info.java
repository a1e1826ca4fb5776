/** Flash4j engine-bench. */
package dev.flash4j.bench;
