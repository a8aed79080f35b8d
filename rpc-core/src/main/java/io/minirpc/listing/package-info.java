/**
 * Service listing ("reflection"): the {@link io.minirpc.listing.ServiceListing} service, off by
 * default, that tells tools which services, methods and types a server has, each type as JSON
 * Schema. {@code minirpc list}, {@code describe} and {@code call} use it.
 */
package io.minirpc.listing;
