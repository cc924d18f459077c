/**
 * The handler of every simulator route, by route name.
 */
import { DERIVED_VIDEO_HANDLERS } from './derived-video-handlers.ts';
import type { SimRoute } from './fault-controller.ts';
import { type Handler, VIDEO_HANDLERS } from './video-handlers.ts';

export const ROUTE_HANDLERS: Readonly<Record<SimRoute, Handler>> = {
  ...VIDEO_HANDLERS,
  ...DERIVED_VIDEO_HANDLERS,
};
