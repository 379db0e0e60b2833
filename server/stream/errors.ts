/**
 * What the stream, recording and replay code refuses, as domain errors. The HTTP and WebSocket edges map them
 * to statuses and close codes in server/http/domainErrors.ts; nothing here knows about HTTP.
 */
export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A channel name outside the allowed characters, or none given. */
export class ChannelNameError extends DomainError {}
/** A channel this client may not use this way (the demo channel is fed by the server). */
export class ChannelForbiddenError extends DomainError {}
/** No more channels may be made. */
export class ChannelLimitError extends DomainError {}
/** A producer's packet that cannot be published; the message says why. */
export class PacketError extends DomainError {}
/** A channel that is over its publish rate limit. */
export class RateLimitError extends DomainError {}
/** A recording, replay or group that does not exist. */
export class NotFoundError extends DomainError {}
/** A request that does not fit the current state (e.g. downloading a recording still running). */
export class StateError extends DomainError {}
/** A request whose body does not fit its schema; `issues` are valibot's. */
export class RequestError extends DomainError {}
