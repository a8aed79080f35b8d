/**
 * Service listing ("reflection"): the {@link io.minirpc.listing.ServiceListing} service, off by
 * default, that tells tools which services, methods and types a server has, each type as JSON
 * Schema. {@code minirpc list}, {@code describe} and {@code call} use it. It lives in its own
 * module, {@code io.minirpc:rpc-listing}, so that a server that does not list its services does
 * not carry it; with the module on the classpath, {@code minirpc.server.listing=true} turns it on.
 */
package io.minirpc.listing;
