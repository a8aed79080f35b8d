package com.example.greeter;

/** Whom to greet. */
public record Person(String name, int age) {}
