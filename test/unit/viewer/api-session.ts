// A session as the lookup API sends it (functions/api/openapi.json), with values of the kinds the viewer must
// read apart: a title that is no string, a campaign member that is a number, a page field sent as null.
export const API_SESSION = {
  userId: 'alice',
  sessionId: '20240101T090000000Z',
  sessionNumber: 1,
  startedAt: '2024-01-01T09:00:00.000Z',
  endedAt: '2024-01-01T09:10:00.000Z',
  durationSeconds: 600,
  eventCount: 3,
  pageViews: 2,
  bounce: false,
  entryPage: { url: 'https://a.example/', path: '/', title: { odd: true }, referrer: null },
  exitPage: null,
  campaign: { source: 'news', medium: null, name: 42 },
  anonymousIds: ['anon-1'],
  device: { type: 'mobile', os: 'iOS', browser: null },
  firstEvent: 'Home',
  lastEvent: 'Buy',
};
