/** Flash4j engine-moe. */
package dev.flash4j.moe;
