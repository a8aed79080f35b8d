package com.example.greeter;

/** What the server answers. */
public record Greeting(String text, Person to) {}
