/** Internal to minirpc: not API, and may change in any release. */
package io.minirpc.internal.transport;
