/** The current call's context, shared by server and client code. Not API. */
package io.minirpc.internal.context;
