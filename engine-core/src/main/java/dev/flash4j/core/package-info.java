/** Flash4j engine-core. */
package dev.flash4j.core;
