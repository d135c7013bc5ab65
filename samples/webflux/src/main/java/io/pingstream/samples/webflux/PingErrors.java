package io.pingstream.samples.webflux;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pingstream.EngineClosedException;
import io.pingstream.SocketUnavailableException;
import io.pingstream.TargetRefusedException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * Turns the failures of {@link PingController} into short JSON answers instead of Boot's error
 * page: the client learns what to fix, and no stack trace leaves the server.
 *
 * <pre>{@code
 * 404 {"error":"unknown host no.such.host.invalid","host":"no.such.host.invalid"}
 * 400 {"error":"interval must be a duration such as 500ms or 2s, was \"abc\"","parameter":"interval","value":"abc"}
 * 400 {"error":"cannot ping 224.0.0.1: a multicast address, ...","host":"224.0.0.1"}
 * 504 {"error":"no answer from the name service for slow.example within 5000 ms","host":"slow.example"}
 * 503 {"error":"cannot open an ICMP socket for IPV4 with policy DGRAM: ... Fix one of: ...","host":"127.0.0.1"}
 * }</pre>
 */
@RestControllerAdvice(assignableTypes = PingController.class)
public class PingErrors {

  /** The body of every error answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ApiError(String error, @Nullable String host, @Nullable String parameter, @Nullable String value) {}

  @ExceptionHandler
  ResponseEntity<ApiError> unknownHost(UnknownHostException e, ServerWebExchange exchange) {
    // The JDK's message varies (a cached failure is just the name): say it the same way always.
    String host = host(exchange);
    return answer(HttpStatus.NOT_FOUND, new ApiError(host == null ? message(e) : "unknown host " + host, host, null, null));
  }

  @ExceptionHandler
  ResponseEntity<ApiError> invalidParameter(InvalidParameterException e) {
    return answer(HttpStatus.BAD_REQUEST, new ApiError(message(e), null, e.parameter(), e.value()));
  }

  /** A host the engine will not ping (multicast, unspecified, a link-local address without a scope): the client's to fix. */
  @ExceptionHandler
  ResponseEntity<ApiError> refusedHost(TargetRefusedException e, ServerWebExchange exchange) {
    return answer(HttpStatus.BAD_REQUEST, new ApiError(message(e), host(exchange), null, null));
  }

  /** Type mismatches such as {@code count=abc}, caught by Spring before the controller runs. */
  @ExceptionHandler
  ResponseEntity<ApiError> badInput(ServerWebInputException e) {
    MethodParameter parameter = e.getMethodParameter();
    String name = parameter == null ? null : parameter.getParameterName();
    if (name != null && e.getCause() instanceof TypeMismatchException mismatch) {
      String value = String.valueOf(mismatch.getValue());
      Class<?> required = mismatch.getRequiredType();
      String type = required == null ? "value" : Number.class.isAssignableFrom(required) ? "number" : required.getSimpleName();
      return answer(HttpStatus.BAD_REQUEST, new ApiError(name + " must be a " + type + ", was \"" + value + "\"", null, name, value));
    }
    String reason = e.getReason() != null ? e.getReason() : "bad request";
    return answer(HttpStatus.BAD_REQUEST, new ApiError(name == null ? reason : name + ": " + reason, null, name, null));
  }

  /** The name service is slow: the lookup goes on (it cannot be cancelled), the client is answered. */
  @ExceptionHandler
  ResponseEntity<ApiError> lookupTimeout(HostLookupTimeoutException e, ServerWebExchange exchange) {
    return answer(HttpStatus.GATEWAY_TIMEOUT, new ApiError(message(e), host(exchange), null, null));
  }

  /** No ICMP socket may be opened: a matter for whoever runs the app, not for the client. */
  @ExceptionHandler({SocketUnavailableException.class, EngineClosedException.class})
  ResponseEntity<ApiError> unavailable(Exception e, ServerWebExchange exchange) {
    return answer(HttpStatus.SERVICE_UNAVAILABLE, new ApiError(message(e), host(exchange), null, null));
  }

  /** Other socket setup failures (a namespace, a source address): the server cannot ping now. */
  @ExceptionHandler
  ResponseEntity<ApiError> io(IOException e, ServerWebExchange exchange) {
    return unavailable(e, exchange);
  }

  private static ResponseEntity<ApiError> answer(HttpStatus status, ApiError body) {
    // Set explicitly: a /stream client asked for text/event-stream, and the error is still JSON.
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
  }

  private static @Nullable String host(ServerWebExchange exchange) {
    Map<String, String> variables = exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    return variables == null ? null : variables.get("host");
  }

  private static String message(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
