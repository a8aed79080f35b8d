package com.example.greeter;

/** Thrown by the server, rebuilt on the client. */
public class UnknownPersonException extends Exception {
  public UnknownPersonException(String message) {
    super(message);
  }
}
