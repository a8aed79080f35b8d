package com.example.greet;

/** The service. */
public interface Greeter {
  String greet(String name);
}
