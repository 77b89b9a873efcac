/**
 * Canonical encodings from the WAMP spec's conformance test vectors (wamp-proto/wamp-proto,
 * testsuite/singlemessage/): the bytes autobahn-python produces for each message.
 * Payload passthru (E2EE) samples are left out: wservice does not support that feature.
 */
export interface Vector {
  name: string;
  json: string;
  msgpack: string;
  cbor: string;
}

export const VECTORS: readonly Vector[] = [
  {
    name: 'CANCEL: CANCEL with empty Options (basic cancellation)',
    json: '[49,7814135,{}]',
    msgpack: '9331ce00773bf780',
    cbor: '8318311a00773bf7a0',
  },
  {
    name: 'INTERRUPT: INTERRUPT with empty Options (basic interruption)',
    json: '[69,6131533,{}]',
    msgpack: '9345ce005d8f4d80',
    cbor: '8318451a005d8f4da0',
  },
  {
    name: 'PUBLISH: PUBLISH with exclude_me=false (publisher receives its own event)',
    json: '[16,239714735,{"exclude_me":false},"com.myapp.mytopic1",["Hello, world!"]]',
    msgpack:
      '9510ce0e49c1af81aa6578636c7564655f6d65c2b2636f6d2e6d796170702e6d79746f7069633191ad48656c6c6f2c20776f726c6421',
    cbor: '85101a0e49c1afa16a6578636c7564655f6d65f472636f6d2e6d796170702e6d79746f70696331816d48656c6c6f2c20776f726c6421',
  },
  {
    name: 'ABORT: ABORT with empty Details (basic profile)',
    json: '[3,{},"wamp.error.system_shutdown"]',
    msgpack: '930380ba77616d702e6572726f722e73797374656d5f73687574646f776e',
    cbor: '8303a0781a77616d702e6572726f722e73797374656d5f73687574646f776e',
  },
  {
    name: 'AUTHENTICATE: AUTHENTICATE with empty Extra (basic profile)',
    json: '[5,"gir1mSx+deCDUV7FgLvsQNTi6n3W/Z/WcZ/OT9RwdZY=",{}]',
    msgpack:
      '9305d92c676972316d53782b6465434455563746674c7673514e5469366e33572f5a2f57635a2f4f54395277645a593d80',
    cbor: '8305782c676972316d53782b6465434455563746674c7673514e5469366e33572f5a2f57635a2f4f54395277645a593da0',
  },
  {
    name: 'CALL: CALL with positional args only',
    json: '[48,7814135,{},"com.myapp.myprocedure1",["Hello, world!"]]',
    msgpack: '9530ce00773bf780b6636f6d2e6d796170702e6d7970726f6365647572653191ad48656c6c6f2c20776f726c6421',
    cbor: '8518301a00773bf7a076636f6d2e6d796170702e6d7970726f63656475726531816d48656c6c6f2c20776f726c6421',
  },
  {
    name: 'CHALLENGE: CHALLENGE with empty Extra (basic profile)',
    json: '[4,"wampcra",{}]',
    msgpack: '9304a777616d7063726180',
    cbor: '83046777616d70637261a0',
  },
  {
    name: 'ERROR: ERROR with empty Details (basic profile)',
    json: '[8,48,7814135,{},"com.myapp.error"]',
    msgpack: '950830ce00773bf780af636f6d2e6d796170702e6572726f72',
    cbor: '850818301a00773bf7a06f636f6d2e6d796170702e6572726f72',
  },
  {
    name: 'EVENT: EVENT with positional args only',
    json: '[36,9823526,112233445566,{},["Hello, event!"]]',
    msgpack: '9524ce0095e526cf0000001a21a278be8091ad48656c6c6f2c206576656e7421',
    cbor: '8518241a0095e5261b0000001a21a278bea0816d48656c6c6f2c206576656e7421',
  },
  {
    name: 'EVENT: EVENT with forward_for (router-to-router link)',
    json: '[36,7418529630,556677889900,{"forward_for":[{"session":2468013579,"authid":"frontend1","authrole":"user"}]},[100,"data"]]',
    msgpack:
      '9524cf00000001ba2dc75ecf000000819c967f6c81ab666f72776172645f666f729183a773657373696f6ece931ae60ba6617574686964a966726f6e74656e6431a861757468726f6c65a4757365729264a464617461',
    cbor: '8518241b00000001ba2dc75e1b000000819c967f6ca16b666f72776172645f666f7281a36773657373696f6e1a931ae60b666175746869646966726f6e74656e64316861757468726f6c6564757365728218646464617461',
  },
  {
    name: 'GOODBYE: GOODBYE with empty Details (basic profile)',
    json: '[6,{},"wamp.close.normal"]',
    msgpack: '930680b177616d702e636c6f73652e6e6f726d616c',
    cbor: '8306a07177616d702e636c6f73652e6e6f726d616c',
  },
  {
    name: 'HELLO: HELLO with minimal roles (basic profile)',
    json: '[1,"com.example.realm",{"roles":{"subscriber":{},"publisher":{}}}]',
    msgpack:
      '9301b1636f6d2e6578616d706c652e7265616c6d81a5726f6c657382aa7375627363726962657280a97075626c697368657280',
    cbor: '830171636f6d2e6578616d706c652e7265616c6da165726f6c6573a26a73756273637269626572a0697075626c6973686572a0',
  },
  {
    name: 'INVOCATION: INVOCATION with empty Details (basic profile)',
    json: '[68,6131533,9823526,{}]',
    msgpack: '9444ce005d8f4dce0095e52680',
    cbor: '8418441a005d8f4d1a0095e526a0',
  },
  {
    name: 'PUBLISH: PUBLISH with positional args only',
    json: '[16,239714735,{},"com.myapp.mytopic1",["Hello, world!"]]',
    msgpack: '9510ce0e49c1af80b2636f6d2e6d796170702e6d79746f7069633191ad48656c6c6f2c20776f726c6421',
    cbor: '85101a0e49c1afa072636f6d2e6d796170702e6d79746f70696331816d48656c6c6f2c20776f726c6421',
  },
  {
    name: 'PUBLISH: PUBLISH with forward_for (router-to-router link)',
    json: '[16,987654321,{"forward_for":[{"session":3456789012,"authid":"client1","authrole":"frontend"}]},"com.myapp.topic2",[42,"test"]]',
    msgpack:
      '9510ce3ade68b181ab666f72776172645f666f729183a773657373696f6ecece0a6a14a6617574686964a7636c69656e7431a861757468726f6c65a866726f6e74656e64b0636f6d2e6d796170702e746f70696332922aa474657374',
    cbor: '85101a3ade68b1a16b666f72776172645f666f7281a36773657373696f6e1ace0a6a146661757468696467636c69656e74316861757468726f6c656866726f6e74656e6470636f6d2e6d796170702e746f7069633282182a6474657374',
  },
  {
    name: 'PUBLISH: PUBLISH with no payload (signal only)',
    json: '[16,987654321,{},"com.myapp.signal"]',
    msgpack: '9410ce3ade68b180b0636f6d2e6d796170702e7369676e616c',
    cbor: '84101a3ade68b1a070636f6d2e6d796170702e7369676e616c',
  },
  {
    name: 'PUBLISH: PUBLISH with both args and kwargs',
    json: '[16,111222333,{},"com.myapp.data",["Alice",30],{"role":"admin","active":true}]',
    msgpack:
      '9610ce06a11e3d80ae636f6d2e6d796170702e6461746192a5416c6963651e82a4726f6c65a561646d696ea6616374697665c3',
    cbor: '86101a06a11e3da06e636f6d2e6d796170702e646174618265416c696365181ea264726f6c656561646d696e66616374697665f5',
  },
  {
    name: 'PUBLISH: PUBLISH with args, kwargs, and acknowledge option',
    json: '[16,444555666,{"acknowledge":true},"com.myapp.important",[100,"critical"],{"priority":"high","count":5}]',
    msgpack:
      '9610ce1a7f619281ab61636b6e6f776c65646765c3b3636f6d2e6d796170702e696d706f7274616e749264a8637269746963616c82a87072696f72697479a468696768a5636f756e7405',
    cbor: '86101a1a7f6192a16b61636b6e6f776c65646765f573636f6d2e6d796170702e696d706f7274616e7482186468637269746963616ca2687072696f72697479646869676865636f756e7405',
  },
  {
    name: 'PUBLISHED: PUBLISHED acknowledgment',
    json: '[17,239714735,4429313566]',
    msgpack: '9311ce0e49c1afcf000000010801f61e',
    cbor: '83111a0e49c1af1b000000010801f61e',
  },
  {
    name: 'REGISTER: REGISTER without Options (basic profile)',
    json: '[64,25349185,{},"com.myapp.myprocedure1"]',
    msgpack: '9440ce0182cc4180b6636f6d2e6d796170702e6d7970726f63656475726531',
    cbor: '8418401a0182cc41a076636f6d2e6d796170702e6d7970726f63656475726531',
  },
  {
    name: 'REGISTERED: REGISTERED acknowledgment',
    json: '[65,25349185,2103333224]',
    msgpack: '9341ce0182cc41ce7d5e5168',
    cbor: '8318411a0182cc411a7d5e5168',
  },
  {
    name: 'RESULT: RESULT with positional args only',
    json: '[50,7814135,{},["Hello, world!"]]',
    msgpack: '9432ce00773bf78091ad48656c6c6f2c20776f726c6421',
    cbor: '8418321a00773bf7a0816d48656c6c6f2c20776f726c6421',
  },
  {
    name: 'SUBSCRIBE: SUBSCRIBE to topic with empty options',
    json: '[32,713845233,{},"com.myapp.mytopic1"]',
    msgpack: '9420ce2a8c69f180b2636f6d2e6d796170702e6d79746f70696331',
    cbor: '8418201a2a8c69f1a072636f6d2e6d796170702e6d79746f70696331',
  },
  {
    name: 'SUBSCRIBED: SUBSCRIBED acknowledgment',
    json: '[33,713845233,5512315355]',
    msgpack: '9321ce2a8c69f1cf00000001488f41db',
    cbor: '8318211a2a8c69f11b00000001488f41db',
  },
  {
    name: 'UNREGISTER: UNREGISTER without Options (basic profile)',
    json: '[66,788923562,2103333224]',
    msgpack: '9342ce2f0604aace7d5e5168',
    cbor: '8318421a2f0604aa1a7d5e5168',
  },
  {
    name: 'UNREGISTERED: UNREGISTERED acknowledgment',
    json: '[67,788923562]',
    msgpack: '9243ce2f0604aa',
    cbor: '8218431a2f0604aa',
  },
  {
    name: 'UNSUBSCRIBE: UNSUBSCRIBE without Options',
    json: '[34,85346237,5512315355]',
    msgpack: '9322ce051647bdcf00000001488f41db',
    cbor: '8318221a051647bd1b00000001488f41db',
  },
  {
    name: 'UNSUBSCRIBED: UNSUBSCRIBED acknowledgment',
    json: '[35,85346237]',
    msgpack: '9223ce051647bd',
    cbor: '8218231a051647bd',
  },
  {
    name: 'WELCOME: WELCOME with minimal roles (basic profile)',
    json: '[2,9129137332,{"roles":{"broker":{},"dealer":{}}}]',
    msgpack: '9302cf00000002202394b481a5726f6c657382a662726f6b657280a66465616c657280',
    cbor: '83021b00000002202394b4a165726f6c6573a26662726f6b6572a0666465616c6572a0',
  },
  {
    name: 'YIELD: YIELD with empty Options (basic profile)',
    json: '[70,6131533,{}]',
    msgpack: '9346ce005d8f4d80',
    cbor: '8318461a005d8f4da0',
  },
];
