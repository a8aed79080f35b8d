package com.example.shop;

import java.util.List;

/** What the catalog sells. */
public record Item(String sku, String name, long priceCents, List<String> tags) {}
