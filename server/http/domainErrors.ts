/** The one place where domain errors become HTTP statuses and WebSocket close codes. */
import {
  ChannelForbiddenError,
  ChannelLimitError,
  ChannelNameError,
  DomainError,
  NotFoundError,
  PacketError,
  RateLimitError,
  RequestError,
  StateError,
} from '../stream/errors.js';

const STATUS: [new (...args: never[]) => DomainError, number][] = [
  [ChannelNameError, 400],
  [ChannelForbiddenError, 403],
  [ChannelLimitError, 429],
  [RateLimitError, 429],
  [PacketError, 400],
  [NotFoundError, 404],
  [StateError, 409],
  [RequestError, 422],
];

/** The HTTP status for a domain error. */
export function httpStatusOf(err: DomainError): number {
  return STATUS.find(([type]) => err instanceof type)?.[1] ?? 400;
}

/** The close code for a WebSocket refused with a domain error: 1013 (try again later) at limits, else 1008 (policy). */
export function closeCodeOf(err: DomainError): number {
  return err instanceof ChannelLimitError || err instanceof RateLimitError ? 1013 : 1008;
}

export { DomainError };
