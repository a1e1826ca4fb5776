/** Flash4j engine-jinja. */
package dev.flash4j.jinja;
