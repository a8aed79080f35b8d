package io.minirpc.bench.model;

import java.util.List;

/** One page of results: its number, the total number of items, and the items. */
public record Page<T>(int pageNo, int total, List<T> result) {}
