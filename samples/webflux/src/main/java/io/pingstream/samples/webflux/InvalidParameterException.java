package io.pingstream.samples.webflux;

/** A query parameter with a value the app cannot use; answered with 400. */
final class InvalidParameterException extends IllegalArgumentException {

  private final String parameter;
  private final String value;

  InvalidParameterException(String parameter, String value, String message) {
    super(message);
    this.parameter = parameter;
    this.value = value;
  }

  String parameter() {
    return parameter;
  }

  String value() {
    return value;
  }
}
