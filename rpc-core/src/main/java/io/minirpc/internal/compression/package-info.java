/** Internal to minirpc: not API, and may change in any release. The compressors built into the core: gzip, from the JDK. */
package io.minirpc.internal.compression;
