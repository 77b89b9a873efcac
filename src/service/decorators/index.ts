export { Service } from './service';
export { Rpc } from './rpc';
export { Subscribe } from './subscribe';
export { Timer } from './timer';
export { Inject, Injectable, Singleton } from './inject';
export { Http } from './http';
