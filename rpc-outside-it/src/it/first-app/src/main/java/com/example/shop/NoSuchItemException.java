package com.example.shop;

/** The catalog has no item with that SKU. */
public class NoSuchItemException extends Exception {
  public NoSuchItemException(String message) {
    super(message);
  }
}
