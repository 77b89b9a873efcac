export * from './messages';
export * from './errors';
export * from './codec';
export * from './serializer';
export * from './uri';
export * from './ids';
export * from './serializers';
export * from './auth';
