/**
 * `wservice/testing`: what users' jest tests import. Real routers on free ports, services
 * started around them, and nameko's helpers.
 */
import 'reflect-metadata';

export { startTestRouter, runServices, type TestRouter, type TestSystem } from './system';
export {
  workerFactory,
  RecordingDispatcher,
  type RecordedEvent,
  type WorkerUnderTest,
} from './worker-factory';
export {
  entrypointHook,
  entrypointWaiter,
  replaceDependencies,
  waitForRegistrations,
  waitForSubscriptions,
} from './hooks';
export { assertStopsRaising, type StopsRaisingOptions } from './assert';
export type { WorkerOutcome } from '../service/container';
