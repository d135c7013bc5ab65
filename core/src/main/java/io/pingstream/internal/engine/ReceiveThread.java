package io.pingstream.internal.engine;

import reactor.core.scheduler.NonBlocking;

/**
 * The thread of a {@link ReceiveLoop}. Results' subscribers run on it; marked {@link
 * NonBlocking}, it makes Reactor refuse a {@code block()} there at once, where the block would
 * wait for an outcome only this thread can deliver and hang the engine. Not API.
 */
final class ReceiveThread extends Thread implements NonBlocking {

  ReceiveThread(ReceiveLoop loop, String name) {
    super(loop, name);
    setDaemon(true);
  }
}
