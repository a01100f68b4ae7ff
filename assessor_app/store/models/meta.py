from __future__ import annotations

from sqlmodel import Field, SQLModel


class Setting(SQLModel, table=True):
    """Small app-wide key/value settings that must travel with the database (never secrets)."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str
