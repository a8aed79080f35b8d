/**
 * Text as minirpc reads and writes it, for modules and tools built on it: durations as the
 * configuration writes them ({@link io.minirpc.text.Durations}), and untrusted text made fit for
 * a log line ({@link io.minirpc.text.UntrustedText}).
 */
package io.minirpc.text;
