// A real y-websocket 2.x client (the npm WebsocketProvider, unmodified) for interop tests.
//
// usage: node peer.cjs BASE_WS ROOM TOKEN NAME KEY=VALUE WAIT_KEYS PEERS
//   writes KEY=VALUE into Y.Map "m" once synced, sets awareness {user: {name: NAME}},
//   waits until every key of WAIT_KEYS (comma list) is in the map and PEERS named awareness
//   states (own included) are known, then prints {"m", "names", "status"} as JSON.
//   Exits 1 with the partial state after 15 s.
const Y = require('yjs')
const { WebsocketProvider } = require('y-websocket')
const WebSocket = require('ws')

const [base, room, token, name, write, waitKeys, peers] = process.argv.slice(2)
const doc = new Y.Doc()
const provider = new WebsocketProvider(base, room, doc, {
  params: { token },
  WebSocketPolyfill: WebSocket,
  disableBc: true
})
const map = doc.getMap('m')
const wanted = waitKeys ? waitKeys.split(',').filter(Boolean) : []
const closes = []
provider.on('connection-close', (event) => closes.push(event ? event.code : null))

function names () {
  return [...provider.awareness.getStates().values()]
    .map((s) => s.user && s.user.name).filter(Boolean).sort()
}

let seen = null // what was seen when everything wanted had arrived (peers may leave after)

function report () {
  return seen || { m: map.toJSON(), names: names(), closes }
}

function done () {
  return wanted.every((k) => map.has(k)) && names().length >= Number(peers)
}

function finish (code) {
  process.stdout.write(JSON.stringify(report()) + '\n')
  provider.destroy()
  process.exit(code)
}

provider.on('sync', (synced) => {
  if (!synced) return
  provider.awareness.setLocalStateField('user', { name })
  if (write && write.includes('=')) {
    const [k, v] = write.split('=')
    map.set(k, v)
  }
  check()
})

function check () {
  if (seen || !done()) return
  seen = { m: map.toJSON(), names: names(), closes }
  setTimeout(() => finish(0), 200) // let our own last frames reach the server
}
map.observe(check)
provider.awareness.on('change', check)
setTimeout(() => finish(1), 15000)
