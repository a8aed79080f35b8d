package com.example.greeter;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The service: a plain interface in a named module. */
public interface Greeter {
  Greeting greet(Person person) throws UnknownPersonException;

  CompletableFuture<List<Greeting>> greetAll(List<Person> people);
}
