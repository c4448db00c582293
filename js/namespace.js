'use strict'
// L12: clients on one storage namespace (of one platform) share one login state. Each client's
// core still runs its own episodes; the namespace's group lets one exchange (`wx.checkSession`
// or `wx.login` + the login) run at a time. A client whose episode starts while another's
// exchange is under way waits for its outcome instead of logging in too, and every client
// catches up with a token or a logout another one made before its next event (`version`).
// Without this, two clients against a server that keeps one session per user log each other
// out in turn.

var ConfigError = require('./options.js').ConfigError

// platform → namespace → group. A WeakMap (every host of base library 2.14 has one), so a
// platform object dropped by tests goes with its groups.
var byPlatform = new WeakMap()

function table(platform) {
  var names = byPlatform.get(platform)
  if (!names) byPlatform.set(platform, names = Object.create(null))
  return names
}

// Two clients log in the same way when their login functions read the same (a page that calls
// createHttp again makes a new closure each time) or their login requests are the same.
function loginKey(auth) {
  if (auth.fn) return 'function ' + String(auth.fn)
  return [auth.method, auth.url, auth.tokenPath, auth.expiresInPath, auth.userIdPath].join(' ')
}

// The group of `namespace` on `platform` for a client with `auth`; a ConfigError when the
// namespace already has a client that logs in differently.
function join(platform, namespace, auth) {
  var names = table(platform)
  var g = names[namespace]
  var key = loginKey(auth)
  if (!g) {
    g = names[namespace] = {
      login: key, version: 0, token: null, user: null, expiresAt: NaN, tokens: 0, logouts: 0, identities: 0,
      checked: null, owner: null, failure: null, waiting: [],
    }
  } else if (g.login !== key) {
    throw new ConfigError('auth.login', 'namespace "' + namespace + '" already has a client that logs in differently; ' +
      'clients on one namespace share one login state: give this client the same `auth.login`, or its own `namespace`')
  }
  return g
}

// One client's part in its group. `d`: the driver's shared state (`group`, `session`, `fire`,
// `episode()`, `epoch`); `steps`: the exchange's own effects (`check(n)`, `login(n, previous)`,
// `failure(n)`, `adopt(n, failure)`).
function member(d, steps) {
  var g = d.group
  var session = d.session
  // What this client has seen of the group (`version` only says whether to look at the rest:
  // it moves on when this client has caught up with everything); the episode it runs the
  // exchange for. A newcomer takes the group's latest token at its first event (storage has it too, unless
  // writing it failed), but not the logouts before it.
  var seen = { version: -1, tokens: 0, logouts: g.logouts, identities: g.identities }
  var owned = 0
  var epochAtStart = 0
  // Set while this client's core applies another client's logout, so it is not published back.
  var following = false
  var me = {
    // The group's exchange ended; `w` is what this client was waiting to do.
    resume: function (w, failure) {
      catchUp()
      if (d.episode() !== w.number) return
      if (failure) {
        steps.adopt(w.number, failure)
        d.fire(function (x, c) { return x.wx_joined(c, 0, NaN, 0, Date.now()) })
      } else begin(w.number, w.check, w.previous)
    },
  }

  // The core asks for `wx.checkSession` (`check`) or `wx.login` for episode `number`.
  function begin(number, check, previous) {
    if (g.owner && g.owner !== me) return void g.waiting.push({ member: me, number: number, check: check, previous: previous })
    if (check && g.checked !== null && g.checked === session.token) {
      return d.fire(function (x, c) { return x.wx_checked(c, number, 1, Date.now()) })
    }
    if (g.owner !== me) epochAtStart = d.epoch
    g.owner = me
    owned = number
    if (check) steps.check(number)
    else steps.login(number, previous)
  }

  // Before each event: another client's logout, then its token (nothing, the common case,
  // when the group has not moved since).
  function catchUp() {
    if (seen.version === g.version) return
    seen.version = g.version
    if (seen.logouts !== g.logouts) {
      seen.logouts = g.logouts
      d.fire(function (x, c) {
        following = true
        return x.wx_logout(c, Date.now())
      })
    }
    if (seen.tokens !== g.tokens) {
      seen.tokens = g.tokens
      var identity = seen.identities !== g.identities
      seen.identities = g.identities
      if (g.token === null) return
      session.token = g.token
      session.user = g.user
      d.fire(function (x, c) { return x.wx_joined(c, 1, g.expiresAt, identity ? 1 : 0, Date.now()) })
    }
  }

  // After each event of the exchange's owner: when its episode is over, the outcome becomes
  // the group's and the waiters go on.
  function settle() {
    if (g.owner !== me || d.episode() === owned) return
    var failure = null
    if (session.token !== null && session.token !== g.token) {
      g.token = session.token
      g.user = session.user
      g.expiresAt = session.expiresAt
      g.tokens++
      if (d.epoch !== epochAtStart) g.identities++
      g.checked = session.token
      g.version++
      seen.tokens = g.tokens
      seen.identities = g.identities
    } else if (session.token !== null && d.hasToken()) {
      g.checked = session.token
    } else {
      failure = steps.failure(owned)
    }
    release(failure)
  }

  // The exchange is over for the group: the clients that waited on it go on.
  function release(failure) {
    g.owner = null
    var waiting = g.waiting
    g.waiting = []
    for (var i = 0; i < waiting.length; i++) waiting[i].member.resume(waiting[i], failure)
  }

  // This client's core failed (a trap): an exchange it ran must not hold the others up.
  function abandon() {
    if (g.owner === me) release({ message: 'Login failed: the client running the login failed' })
  }

  // This client's core dropped the token: a logout, the group's unless it was another's.
  function dropped() {
    if (following) return void (following = false)
    g.logouts++
    g.version++
    g.token = null
    g.checked = null
    seen.logouts = g.logouts
  }

  return { begin: begin, catchUp: catchUp, settle: settle, dropped: dropped, abandon: abandon }
}

module.exports = { join: join, member: member }
