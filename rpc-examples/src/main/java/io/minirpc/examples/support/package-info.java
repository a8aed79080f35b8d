/**
 * What every example shares: its configuration file with overrides from system properties, and a
 * Prometheus endpoint for its metrics. The examples' packages use it; it uses none of them.
 */
package io.minirpc.examples.support;
