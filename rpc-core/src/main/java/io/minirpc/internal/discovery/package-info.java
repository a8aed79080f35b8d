/** The DNS discovery provider built into the core ({@code dns:///name:port}). */
package io.minirpc.internal.discovery;
