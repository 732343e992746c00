"""Sign-up, login (rate-limited), logout and "who am I"."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from diary_app.sync.server.models import TOKEN, USER, now_us
from diary_app.sync.server.schemas import ErrorOut, LoginIn, LoginOut, SignupIn, UserOut
from diary_app.sync.server.security import CachedUser, new_token, token_hash
from diary_app.sync.server.state import CurrentUser, ServerState, bearer_token, get_state, us_to_datetime, user_json

router = APIRouter(tags=["accounts"])


@router.post("/auth/signup", status_code=201, response_model=UserOut, responses={409: {"model": ErrorOut}})
def signup(body: SignupIn, state: ServerState = Depends(get_state)) -> dict:
    password_hash = state.passwords.hash(body.password)
    try:
        with state.engine.begin() as conn:
            if conn.execute(select(USER.c.id).where(USER.c.username == body.username)).first():
                raise HTTPException(409, f"the username '{body.username}' is taken")
            user_id = conn.execute(
                insert(USER).values(
                    username=body.username, display_name=body.display_name,
                    password_hash=password_hash, created_us=now_us(),
                ).returning(USER.c.id)
            ).scalar_one()
    except IntegrityError:  # a concurrent sign-up won the race
        raise HTTPException(409, f"the username '{body.username}' is taken") from None
    return user_json(user_id, body.username, body.display_name)


@router.post(
    "/auth/login", response_model=LoginOut,
    responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut, "description": "too many failed logins"}},
)
def login(body: LoginIn, request: Request, state: ServerState = Depends(get_state)) -> dict:
    username = body.username.strip().lower()
    address = request.client.host if request.client else "unknown"
    wait = state.limiter.retry_after(username, address)
    if wait:
        raise HTTPException(
            429, f"too many failed logins; try again in {wait} s", headers={"Retry-After": str(wait)}
        )
    with state.engine.connect() as conn:
        row = conn.execute(
            select(USER.c.id, USER.c.username, USER.c.display_name, USER.c.password_hash).where(USER.c.username == username)
        ).first()
    if not state.passwords.verify(row.password_hash if row else None, body.password):
        state.limiter.failed(username, address)
        raise HTTPException(401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"})
    state.limiter.succeeded(username, address)
    token = new_token()
    now = now_us()
    expires = now + state.config.token_lifetime_s * 1_000_000
    with state.engine.begin() as conn:
        conn.execute(delete(TOKEN).where(TOKEN.c.user_id == row.id, TOKEN.c.expires_us <= now))
        conn.execute(insert(TOKEN).values(token_hash=token_hash(token), user_id=row.id, created_us=now, expires_us=expires))
    return {
        "access_token": token, "token_type": "bearer", "expires_at": us_to_datetime(expires),
        "user": user_json(row.id, row.username, row.display_name),
    }


@router.post("/auth/logout", status_code=204, responses={401: {"model": ErrorOut}})
def logout(request: Request, _me: CachedUser = CurrentUser, state: ServerState = Depends(get_state)) -> Response:
    key = token_hash(bearer_token(request))
    with state.engine.begin() as conn:
        conn.execute(delete(TOKEN).where(TOKEN.c.token_hash == key))
    state.tokens.drop(key)
    return Response(status_code=204)


@router.get("/me", response_model=UserOut, responses={401: {"model": ErrorOut}})
async def me(user: CachedUser = CurrentUser) -> dict:
    return user_json(user.id, user.username, user.display_name)
