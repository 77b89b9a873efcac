export * as wampcra from './wampcra';
export * as cryptosign from './cryptosign';
export * as ticket from './ticket';
