/**
 * Authenticators that come with minirpc: {@link io.minirpc.auth.BearerTokenAuthenticator}. Plug
 * one into {@code RpcServer.Builder.authenticator}, or write your own {@link
 * io.minirpc.Authenticator}.
 */
package io.minirpc.auth;
