/**
 * Testing with minirpc: {@link io.minirpc.junit.RpcTestServer}, a JUnit 5 extension that serves
 * implementations in the test's JVM and injects clients and proxies, closed after each test.
 */
package io.minirpc.junit;
