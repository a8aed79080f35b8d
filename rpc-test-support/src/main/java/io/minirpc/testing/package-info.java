/** Test helpers shared by minirpc's modules. Not API; not published. */
package io.minirpc.testing;
