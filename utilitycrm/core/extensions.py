"""The Flask extensions, created unbound here and bound to the app in create_app()."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from utilitycrm.core.database import Base

db = SQLAlchemy(model_class=Base)
# Batch mode lets Alembic alter SQLite tables, which cannot ALTER most things in place.
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
bootstrap = Bootstrap5()
mail = Mail()
