package com.example.greeter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The implementation the server runs. */
public final class PoliteGreeter implements Greeter {
  @Override
  public Greeting greet(Person person) throws UnknownPersonException {
    if (person.name().isEmpty()) {
      throw new UnknownPersonException("Who is it?");
    }
    return new Greeting("Hello, " + person.name(), person);
  }

  @Override
  public CompletableFuture<List<Greeting>> greetAll(List<Person> people) {
    List<Greeting> out = new ArrayList<>();
    for (Person p : people) {
      out.add(new Greeting("Hello, " + p.name(), p));
    }
    return CompletableFuture.completedFuture(out);
  }
}
