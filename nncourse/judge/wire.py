"""Plain data across the boundary between the judge and the student's code, never pickle.

Both sides run this file: the judge imports it; the sandboxed kernel receives its source and
executes it in a private module. A `Peer` is one side. A value crosses as JSON:

- None, bool, int, float, str as themselves (subclasses as their base type); lists, tuples,
  dicts, slices element by element;
- numpy arrays of numbers or booleans, and numpy Generators, as *shared* values: each gets an
  id, and every message carries the current contents of every shared value that changed, so an
  argument changed in place on one side is changed in place on the other before anyone looks;
- any other object as a handle: the other side gets a `Proxy` whose attribute reads, calls,
  indexing and arithmetic become requests back to the owner. Comparisons are never forwarded:
  an object with a fake `__eq__` compares by identity on the other side.

A request may itself call back (the student's function calls a function the test gave it), so
either side can serve requests while it waits for its own answer.
"""

from __future__ import annotations

import base64
import json
import operator
import sys
import traceback
import types

import numpy as np

MAX_ITEMS = 1_000_000  # elements of one iterated object
_KINDS = set("biufc")  # array dtypes that cross by value
_RNGS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")
_BINARY = {"add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul"}
_UNARY = {"neg", "pos", "abs"}
_NP_ERR = ("divide", "over", "under", "invalid")
_UNUSED = 3  # sys.getrefcount of a value held only by the registry (dict, loop name, argument)


def _numpy_name(v) -> bool:
    """Whether `v` is a function of numpy's top-level namespace (np.tanh, np.maximum...)."""
    name = getattr(v, "__name__", None)
    return (isinstance(name, str) and getattr(np, name, None) is v
            and (isinstance(v, np.ufunc) or str(getattr(v, "__module__", "")).startswith("numpy")))


class Timeout(BaseException):
    """The other side did not answer in time (a BaseException: `except Exception` can't eat it)."""


class Broken(Exception):
    """The other side sent something that is not a valid message."""


def _plain(value):
    """JSON for the numpy parts of a bit generator's state."""
    return value.tolist() if isinstance(value, np.ndarray) else int(value)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _builtin_exception(exc: BaseException) -> str:
    """Name of the nearest builtin Exception class of `exc` (RuntimeError for exits)."""
    import builtins

    for cls in type(exc).__mro__:
        if getattr(builtins, cls.__name__, None) is cls and issubclass(cls, Exception):
            return cls.__name__
    return "RuntimeError"


class Proxy:
    """An object that lives on the other side; every use is a request to it."""

    __slots__ = ("_peer", "_ref", "_info", "__weakref__")

    def __init__(self, peer: Peer, ref: dict, info: dict):
        object.__setattr__(self, "_peer", peer)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_info", info)

    def _ask(self, op: str, *args):
        return self._peer.request(op, self, *args)

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", name)

    def __setattr__(self, name: str, value) -> None:
        self._ask("setattr", name, value)

    def __delattr__(self, name: str) -> None:
        self._ask("delattr", name)

    def __call__(self, *args, **kwargs):
        return self._ask("call", list(args), kwargs)

    def __getitem__(self, key):
        return self._ask("getitem", key)

    def __setitem__(self, key, value) -> None:
        self._ask("setitem", key, value)

    def __len__(self) -> int:
        n = self._ask("len")
        if type(n) is not int or n < 0:
            raise TypeError(f"len() of {self!r} is not a non-negative int")
        return n

    def __iter__(self):
        return iter(self._ask("list"))

    def __contains__(self, item) -> bool:
        return self._ask("contains", item) is True

    def __bool__(self) -> bool:
        return self._ask("bool") is True

    def __float__(self) -> float:
        return float(self._ask("float"))

    def __int__(self) -> int:
        return int(self._ask("int"))

    def __index__(self) -> int:
        n = self._ask("index")
        if type(n) is not int:
            raise TypeError("__index__ returned a non-int")
        return n

    def __repr__(self) -> str:
        text = self._ask("repr")
        return text[:500] if isinstance(text, str) else "<object>"

    def __str__(self) -> str:
        text = self._ask("str")
        return text[:5000] if isinstance(text, str) else "<object>"

    def __instancecheck__(self, obj) -> bool:
        return isinstance(obj, Proxy) and obj._peer is self._peer and (
            self._peer.request("isinstance", obj, self) is True)

    def __neg__(self):
        return self._ask("unary", "neg")

    def __pos__(self):
        return self._ask("unary", "pos")

    def __abs__(self):
        return self._ask("unary", "abs")

    @property
    def __class__(self):  # isinstance(proxy, nnlib.layers.Linear) holds for a remote Linear
        mro = self._info.get("mro")
        return self._peer.mirror(mro) if mro else Proxy

    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__


def _binary(name: str, reflected: bool):
    def method(self, other):
        return self._ask("binary", name, other, reflected)

    return method


for _name in _BINARY:
    setattr(Proxy, f"__{_name}__", _binary(_name, False))
    setattr(Proxy, f"__r{_name}__", _binary(_name, True))


class Peer:
    """One side of the boundary: its objects given out, the shared values, the link to the other.

    side: "j" (the judge) or "s" (the student's process)
    namespace: where a request for a global name looks it up (the student's side only)
    link: send(frame: str) -> None and recv() -> str, set by the transport
    """

    def __init__(self, side: str, namespace: dict | None = None):
        self.side = side
        self.namespace = namespace
        self.link = None
        self.objects: dict[int, object] = {}
        self._hids: dict[int, int] = {}
        self.shared: dict[str, object] = {}
        self._sids: dict[int, str] = {}
        self._snaps: dict[str, bytes] = {}
        self._count = 0
        self._mirrors: dict[tuple, type] = {}
        # Our shared values the other side may change: those handed over in the requests now
        # running (one set per nested request). With `guarded`, other changes are ignored.
        self._live: list[set[str]] = []
        self.guarded = False
        self.deadline: float | None = None

    # --- policy, overridden by the judge ---------------------------------------------------
    def exposable(self, obj) -> bool:
        """Whether `obj` may be handed to the other side as a handle."""
        return True

    def readable(self, obj, name: str) -> bool:
        """Whether the other side may read or write attribute `name` of our `obj`."""
        return True

    def mirror(self, mro) -> type:
        """A local class standing for the other side's class, from its MRO ("module:qualname").

        The class itself if it is nnlib's; otherwise a stand-in named like it, a subclass of the
        nearest nnlib class it derives from, so isinstance(x, nnlib.layers.Module) holds and
        x.__class__.__module__ names where it really comes from.
        """
        key = tuple(mro)
        if key not in self._mirrors:
            bases = [self._nnlib_class(entry) for entry in key]
            if bases and bases[0] is not None:
                self._mirrors[key] = bases[0]
            else:
                base = next((b for b in bases if b is not None), object)
                module, _, qualname = str(key[0] if key else "?:object").partition(":")
                self._mirrors[key] = type(qualname.rpartition(".")[2] or "object", (base,),
                                          {"__module__": module, "__qualname__": qualname})
        return self._mirrors[key]

    @staticmethod
    def _nnlib_class(entry: str) -> type | None:
        import importlib

        module, _, qualname = str(entry).partition(":")
        if module != "nnlib" and not module.startswith("nnlib."):
            return None
        try:
            obj = importlib.import_module(module)
            for part in qualname.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError):
            return None
        return obj if isinstance(obj, type) else None

    # --- values ----------------------------------------------------------------------------
    def reset_shared(self) -> None:
        """Forget shared values (between test cells: later crossings copy afresh)."""
        self.shared.clear()
        self._sids.clear()
        self._snaps.clear()

    def _new_id(self) -> int:
        self._count += 1
        return self._count

    def _share(self, value) -> str:
        sid = self._sids.get(id(value))
        if sid is None or self.shared.get(sid) is not value:
            sid = f"{self.side}{self._new_id()}"
            self._sids[id(value)] = sid
            self.shared[sid] = value
        if self._live:
            self._live[-1].add(sid)
        return sid

    def pack(self, v, depth: int = 0):
        if depth > 200:
            raise ValueError("a value nested more than 200 levels deep cannot cross")
        if v is None or v is True or v is False:
            return v
        if isinstance(v, np.ndarray):
            if v.dtype.kind in _KINDS and not v.dtype.fields:
                return {"$a": self._share(v)}
        elif isinstance(v, np.generic):
            if v.dtype.kind in _KINDS:
                return {"$n": [v.dtype.str, _b64(np.asarray(v).tobytes())]}
        elif isinstance(v, np.random.Generator):
            if type(v.bit_generator).__name__ in _RNGS:
                return {"$r": self._share(v)}
        elif isinstance(v, bool):
            return bool(v)
        elif isinstance(v, int):
            return int(v)
        elif isinstance(v, float):
            return float(v)
        elif isinstance(v, str):
            return str(v)
        elif isinstance(v, Proxy) and v._peer is self:
            return {"$h": v._ref}
        elif isinstance(v, types.GeneratorType) and self.exposable(v.gi_code):
            return [self.pack(x, depth + 1) for x in v]  # e.g. named_parameters()
        elif isinstance(v, (list, tuple)):
            items = [self.pack(x, depth + 1) for x in list.__iter__(list(v))]
            return items if isinstance(v, list) else {"$t": items}
        elif isinstance(v, dict):
            return {"$d": [[self.pack(k, depth + 1), self.pack(x, depth + 1)]
                           for k, x in list(dict.items(v))]}
        elif isinstance(v, slice):
            return {"$sl": [self.pack(v.start), self.pack(v.stop), self.pack(v.step)]}
        elif v is Ellipsis:
            return {"$e": 0}
        elif _numpy_name(v):  # np.tanh as an argument: each side uses its own numpy's
            return {"$np": v.__name__}
        if not self.exposable(v):
            raise TypeError(f"a {type(v).__name__} cannot be handed across the sandbox boundary")
        hid = self._hids.get(id(v))
        if hid is None or self.objects.get(hid) is not v:
            hid = self._new_id()
            self._hids[id(v)] = hid
            self.objects[hid] = v
        mro = [f"{c.__module__}:{c.__qualname__}" for c in type(v).__mro__]
        return {"$o": hid, "mro": mro[:20]}

    def unpack(self, x, depth: int = 0):
        if depth > 200:
            raise Broken("nested too deep")
        if x is None or isinstance(x, (bool, int, float, str)):
            return x
        if isinstance(x, list):
            return [self.unpack(i, depth + 1) for i in x]
        if not isinstance(x, dict) or len(x) not in (1, 2):
            raise Broken(f"unexpected {type(x).__name__}")
        key = next(iter(x))
        val = x[key]
        if key == "$t":
            return tuple(self.unpack(i, depth + 1) for i in val)
        if key == "$d":
            return {self.unpack(k, depth + 1): self.unpack(v, depth + 1) for k, v in val}
        if key == "$sl":
            return slice(*(self.unpack(i, depth + 1) for i in val))
        if key == "$e":
            return Ellipsis
        if key == "$np":
            value = getattr(np, str(val), None)
            if not _numpy_name(value):
                raise Broken("not a numpy function")
            return value
        if key == "$n":
            dtype = np.dtype(val[0])
            if dtype.kind not in _KINDS:
                raise Broken("bad scalar dtype")
            return np.frombuffer(base64.b64decode(val[1]), dtype=dtype, count=1)[0]
        if key in ("$a", "$r"):
            value = self.shared.get(val)
            if value is None:
                raise Broken(f"unknown shared value {val!r}")
            return value
        if key == "$h":
            return self._target(val)
        if key == "$o":
            return Proxy(self, val, {"mro": [str(m) for m in x.get("mro", [])][:20]})
        raise Broken(f"unknown tag {key!r}")

    # --- syncing shared values -------------------------------------------------------------
    @staticmethod
    def _state(value) -> bytes:
        if isinstance(value, np.ndarray):
            return value.tobytes()
        return json.dumps(value.bit_generator.state, sort_keys=True, default=_plain).encode()

    def _sync_out(self) -> dict:
        out = {}
        for sid, value in self.shared.items():
            if sid in self._snaps and sys.getrefcount(value) <= _UNUSED:
                continue  # only the registry holds it: nothing can have changed it
            state = self._state(value)
            if self._snaps.get(sid) == state:
                continue
            self._snaps[sid] = state
            if isinstance(value, np.ndarray):
                out[sid] = {"a": [value.dtype.str, list(value.shape), _b64(state)]}
            else:
                out[sid] = {"r": [type(value.bit_generator).__name__,
                                  json.loads(state.decode())]}
        return out

    def _sync_in(self, sync: dict) -> None:
        for sid, entry in sync.items():
            if (self.guarded and str(sid).startswith(self.side)
                    and not any(sid in live for live in self._live)):
                continue  # ours, but not handed over in a call now running: not theirs to change
            have = self.shared.get(sid)
            if "a" in entry:
                dtype, shape, data = entry["a"]
                dtype = np.dtype(dtype)
                if dtype.kind not in _KINDS or dtype.fields:
                    raise Broken("bad array dtype")
                if not all(isinstance(n, int) and n >= 0 for n in shape):
                    raise Broken("bad array shape")
                raw = base64.b64decode(data)
                if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
                    raise Broken("array data of the wrong length")
                new = np.frombuffer(raw, dtype=dtype).reshape(shape)
                if (isinstance(have, np.ndarray) and have.shape == new.shape
                        and have.dtype == new.dtype and have.flags.writeable):
                    np.copyto(have, new)
                else:
                    have = new.copy()
            elif "r" in entry:
                name, state = entry["r"]
                if name not in _RNGS:
                    raise Broken("bad generator")
                if not isinstance(have, np.random.Generator):
                    have = np.random.Generator(getattr(np.random, name)())
                have.bit_generator.state = state
            else:
                raise Broken("bad shared entry")
            self.shared[sid] = have
            self._sids[id(have)] = sid
            self._snaps[sid] = self._state(have)

    # --- messages --------------------------------------------------------------------------
    def _frame(self, body: dict) -> str:
        body["sync"] = self._sync_out()
        return json.dumps(body)

    def _read(self, frame: str) -> dict:
        try:
            body = json.loads(frame)
            if not isinstance(body, dict):
                raise Broken("a message must be an object")
            self._sync_in(body.pop("sync", {}))
            return body
        except (ValueError, TypeError, KeyError, IndexError) as err:
            raise Broken(f"{type(err).__name__}: {err}") from None

    def request(self, op: str, target: Proxy, *args):
        """Ask the other side to do `op` on its object `target`; serve its callbacks meanwhile."""
        self._live.append(set())
        try:
            body = {"k": "req", "op": op, "t": target._ref, "a": [self.pack(a) for a in args],
                    "np": np.geterr()}  # the caller's np.errstate holds for the call too
            self.link.send(self._frame(body))
            while True:
                reply = self._read(self.link.recv())
                if reply.get("k") == "req":
                    self.link.send(self.serve(reply))
                    continue
                if reply.get("k") != "res":
                    raise Broken("expected an answer")
                if "err" in reply:
                    raise self._exception(reply["err"])
                return self.unpack(reply.get("ok"))
        finally:
            self._live.pop()

    def serve(self, req: dict) -> str:
        """Carry out one request of the other side; the answer frame, an error included."""
        try:
            result = self._do(req)
            body = {"k": "res", "ok": self.pack(result)}
        except (Timeout, KeyboardInterrupt):
            raise
        except BaseException as exc:  # the student's code may raise anything, exits included
            body = {"k": "res", "err": self._describe(exc)}
        return self._frame(body)

    def _target(self, ref):
        if isinstance(ref, dict) and set(ref) == {"g"} and self.namespace is not None:
            name = ref["g"]
            if name not in self.namespace:
                raise NameError(f"name {name!r} is not defined: did its cell run without error?")
            return self.namespace[name]
        if isinstance(ref, int) and ref in self.objects:
            return self.objects[ref]
        raise Broken("unknown handle")

    def _do(self, req: dict):
        errstate = {k: v for k, v in dict(req.get("np") or {}).items()
                    if k in _NP_ERR and v in ("ignore", "warn", "raise", "print", "log")}
        with np.errstate(**errstate):
            return self._op(req)

    def _op(self, req: dict):
        obj = self._target(req.get("t"))
        op = req.get("op")
        args = [self.unpack(a) for a in req.get("a", [])]
        if op in ("getattr", "setattr", "delattr"):
            name = args[0]
            if not isinstance(name, str) or not self.readable(obj, name):
                raise AttributeError(f"attribute {name!r} is not available across the boundary")
            if op == "getattr":
                return getattr(obj, name)
            return (setattr(obj, name, args[1]) if op == "setattr" else delattr(obj, name))
        if op == "call":
            if not self.exposable(obj):
                raise TypeError("not callable across the boundary")
            return obj(*args[0], **args[1])
        if op == "getitem":
            return obj[args[0]]
        if op == "setitem":
            obj[args[0]] = args[1]
            return None
        if op == "len":
            return len(obj)
        if op == "list":
            items = []
            for item in obj:
                items.append(item)
                if len(items) > MAX_ITEMS:
                    raise ValueError(f"more than {MAX_ITEMS} items")
            return items
        if op == "contains":
            return args[0] in obj
        if op in ("bool", "float", "int", "index", "repr", "str"):
            return {"bool": bool, "float": float, "int": int, "index": operator.index,
                    "repr": repr, "str": str}[op](obj)
        if op == "isinstance":
            return isinstance(obj, args[0])
        if op == "unary" and args[0] in _UNARY:
            return getattr(operator, args[0])(obj)
        if op == "binary" and args[0] in _BINARY:
            fn = getattr(operator, args[0])
            return fn(args[1], obj) if args[2] else fn(obj, args[1])
        raise Broken(f"unknown operation {op!r}")

    @staticmethod
    def _describe(exc: BaseException) -> dict:
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        return {"type": _builtin_exception(exc), "name": type(exc).__name__,
                "msg": str(exc)[:4000], "tb": "".join(lines)[-6000:]}

    @staticmethod
    def _exception(err: dict) -> BaseException:
        import builtins

        name = str(err.get("type", "RuntimeError"))
        cls = getattr(builtins, name, None)
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            cls = RuntimeError
        exc = cls(str(err.get("msg", "")))
        exc.remote_traceback = str(err.get("tb", ""))
        exc.remote_name = str(err.get("name", name))  # the student's own class, for messages
        return exc


MAX_FRAME = 64 * 2**20  # bytes of one message: about 6 M float64 numbers (base64)


class SocketLink:
    """Length-prefixed frames over a connected stream socket."""

    def __init__(self, sock):
        self.sock = sock

    def send(self, frame: str) -> None:
        data = frame.encode("utf-8")
        if len(data) > MAX_FRAME:
            raise ValueError(f"a message of {len(data) >> 20} MB is larger than the "
                             f"{MAX_FRAME >> 20} MB allowed across the sandbox boundary")
        self.sock.sendall(len(data).to_bytes(8, "big") + data)

    def _exactly(self, n: int) -> bytes:
        chunks, got = [], 0
        while got < n:
            chunk = self.sock.recv(min(n - got, 1 << 20))
            if not chunk:
                raise Broken("the other side closed the connection")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def recv(self) -> str:
        n = int.from_bytes(self._exactly(8), "big")
        if n > MAX_FRAME:
            raise Broken(f"a message of {n >> 20} MB is larger than allowed")
        return self._exactly(n).decode("utf-8")
