package io.minirpc.it.versions;

/** Version 1 of a value class; version 2 adds a {@code warehouse}. */
public record Item(String name, int quantity) {}
