/** Flash4j engine-mtp. */
package dev.flash4j.mtp;
